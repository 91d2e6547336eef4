{
  "targets": [
    {
      "target_name": "shm_map",
      "sources": ["shm_map.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}

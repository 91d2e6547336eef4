{
  "targets": [
    {
      "target_name": "row_hashes",
      "sources": ["row_hashes.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}

{
  "targets": [
    {
      "target_name": "deflate",
      "sources": ["deflate_stream.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}

{
  "targets": [
    {
      "target_name": "jpeg",
      "sources": ["jpeg_encode.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "libraries": ["-ljpeg"]
    }
  ]
}

# Module class (issue 7): module memory over I2C, SFF-8636 and CMIS decoders, dumps, compatibility.
list(APPEND LC_INSTRUMENTS_SOURCES
  instruments/module/sff8024.c
  instruments/module/module_image.c
  instruments/module/module_decode.c
  instruments/module/sff8636.c
  instruments/module/cmis.c
  instruments/module/module_memory.c
  instruments/module/module.c
  instruments/module/compat.c
  instruments/module/module_station.c
)

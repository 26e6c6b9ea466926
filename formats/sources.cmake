# formats/: file and memory formats both the clients and the simulator need: Bellcore/Telcordia SOR files
# and the OTDR trace encoding (reflectance and peak height, DataPts levels),
# module memory images and their dumps.
lc_area(formats DEPS base SOURCES
  formats/module_image.c
  formats/otdr_trace.c
  formats/sor_bytes.c
  formats/sor_crc.c
  formats/sor_model.c
  formats/sor_read.c
  formats/sor_read_params.c
  formats/sor_read_trace.c
  formats/sor_write.c
)

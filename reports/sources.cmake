set(LC_REPORTS_SOURCES)
lc_area_fragments(REPORTS reports)
if(LC_REPORTS_SOURCES)
  lc_area(reports SOURCES ${LC_REPORTS_SOURCES} DEPS fixtures hal
          PKGS PkgConfig::SODIUM PkgConfig::JANSSON PkgConfig::SQLITE
               PkgConfig::CAIRO PkgConfig::PANGOCAIRO PkgConfig::RSVG)
endif()

lc_test(NAME procedures_engine SOURCES tests/procedures/test_engine.c LIBS lc_procedures)
lc_test(NAME procedures_prompt SOURCES tests/procedures/test_prompt.c LIBS lc_procedures)
lc_test(NAME procedures_diagnosis SOURCES tests/procedures/test_diagnosis.c LIBS lc_procedures)

/* A validator for the subset of JSON Schema (2020-12) that reports/schema/report.schema.json uses: type,
 * properties, required, additionalProperties (false or a schema), propertyNames, items, enum, const,
 * pattern (POSIX extended regex: the patterns used are written to mean the same in ECMA-262 and ERE),
 * minimum, maximum, minItems, maxItems, $ref to "#/$defs/NAME". Any other keyword makes validation fail,
 * so the schema cannot silently grow beyond what is checked. */
#ifndef LC_TESTS_SCHEMA_CHECK_H
#define LC_TESTS_SCHEMA_CHECK_H

#include <jansson.h>

/* 0 if instance validates; otherwise -1 with the first violation's path and reason in err. */
int th_schema_validate(const json_t *schema, const json_t *instance, char *err, size_t errsz);

#endif

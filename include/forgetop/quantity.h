/* quantity.h - Kubernetes' wire formats for amounts and times: resource quantities
 * ("500m", "1Gi", "2", "1e3", "9559630n") and RFC 3339 timestamps.
 *
 * Pure: strings in, numbers out; nothing from a server is trusted to be well formed. */

#ifndef FORGETOP_QUANTITY_H
#define FORGETOP_QUANTITY_H

#include <stdint.h>

/* Parse a quantity into its plain value (cores, bytes). 0, or -1 when malformed. */
int quantity_parse(const char *s, double *out);
/* The quantity in thousandths, rounded up as resource.Quantity.MilliValue() does
 * ("500m" -> 500, "2" -> 2000, "9559630n" -> 10). 0, or -1 when malformed. */
int quantity_parse_milli(const char *s, int64_t *out);
/* "2018-03-05T17:30:20-08:00", "2021-06-23T17:01:10Z", fractions allowed: unix seconds.
 * 0, or -1 when malformed. */
int quantity_parse_time(const char *s, double *out);

#endif

/* The transports compiled into this build (hal/transport.c keeps the table). A new transport adds its ops
 * here and one line to the table in transport.c. */
#ifndef LC_HAL_TRANSPORT_PRIV_H
#define LC_HAL_TRANSPORT_PRIV_H

#include "hal/transport.h"

extern const lc_transport_ops lc_transport_tcp_ops;
extern const lc_transport_ops lc_transport_vxi11_ops;
extern const lc_transport_ops lc_transport_hislip_ops;
extern const lc_transport_ops lc_transport_usbtmc_ops;
extern const lc_transport_ops lc_transport_serial_ops;

#endif

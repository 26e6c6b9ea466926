/*
 * The little of ONC-RPC (RFC 5531) and XDR (RFC 4506) that VXI-11 and the portmapper need, by hand: a reader
 * and a writer of big-endian 32-bit words and padded opaques, call-header parsing, reply headers, and TCP
 * record marking (RFC 5531 §11: a 4-byte header per fragment, bit 31 = last fragment).
 *
 * Thread safety: plain data, one per connection.
 */
#ifndef LC_SIM_ONCRPC_H
#define LC_SIM_ONCRPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	LC_RPC_CALL = 0,
	LC_RPC_REPLY = 1,
	LC_RPC_MSG_ACCEPTED = 0,
	LC_RPC_MSG_DENIED = 1,
	LC_RPC_SUCCESS = 0,
	LC_RPC_PROG_UNAVAIL = 1,
	LC_RPC_PROG_MISMATCH = 2,
	LC_RPC_PROC_UNAVAIL = 3,
	LC_RPC_GARBAGE_ARGS = 4,
	LC_RPC_MISMATCH = 0,
};

typedef struct lc_xdr_in {
	const uint8_t *p;
	size_t len, off;
	bool bad; /* read past the end or a length too large: the arguments are garbage */
} lc_xdr_in;

typedef struct lc_xdr_out {
	uint8_t *p;
	size_t len, cap;
	bool oom;
} lc_xdr_out;

uint32_t lc_xdr_u32(lc_xdr_in *x);
/* A variable-length opaque or string: pointer into the input and its length (max: larger is bad). */
const uint8_t *lc_xdr_opaque(lc_xdr_in *x, size_t *len, size_t max);

void lc_xdr_put_u32(lc_xdr_out *o, uint32_t v);
void lc_xdr_put_opaque(lc_xdr_out *o, const void *data, size_t len);
void lc_xdr_out_free(lc_xdr_out *o);

typedef struct lc_rpc_call {
	uint32_t xid, prog, vers, proc;
	bool rpcvers_ok;
} lc_rpc_call;

/* Parse a call header (credentials and verifier skipped). false: not a well-formed call (drop it). */
bool lc_rpc_parse_call(lc_xdr_in *x, lc_rpc_call *c);
/* Start a reply: a zero record mark (filled in by lc_rpc_finish_record), accepted with stat. */
void lc_rpc_reply_accepted(lc_xdr_out *o, bool tcp, uint32_t xid, uint32_t stat);
/* MSG_DENIED / RPC_MISMATCH (we speak RPC version 2 only). */
void lc_rpc_reply_denied(lc_xdr_out *o, bool tcp, uint32_t xid);
/* Fill the record mark of a TCP reply (one last fragment). */
void lc_rpc_finish_record(lc_xdr_out *o);

#endif

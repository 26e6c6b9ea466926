/*
 * A scripted SCPI peer on a loopback socket for the BERT driver tests: it checks every command byte for byte
 * against a script and answers with the scripted reply (real reply formats of instrument-dialects.md §4).
 * "*STB?" is answered "0" automatically unless the script's next step expects it (to inject an error-queue
 * entry: "*STB?" -> "4", "SYST:ERR?" -> "-222,\"Data out of range\"").
 */
#ifndef TEST_BERT_PEER_H
#define TEST_BERT_PEER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct peer_step {
	const char *expect; /* the command as sent, without the terminator */
	const char *reply;  /* reply without terminator, NULL: none */
} peer_step;

typedef struct bert_peer {
	int lfd;
	int port;
	pthread_t thread;
	const peer_step *script;
	size_t n, pos;
	char mismatch[512];    /* first mismatch, "" if none */
	char transcript[16384];/* every command received, one per line */
} bert_peer;

/* Start the peer on 127.0.0.1, a port from bind(0). */
void peer_start(bert_peer *p, const peer_step *script, size_t n);
/* Join the peer thread (the client must have closed the connection). */
void peer_join(bert_peer *p);
/* "TCPIP0::127.0.0.1::<port>::SOCKET" */
void peer_resource(const bert_peer *p, char *buf, size_t cap);

#define PEER_STEPS(arr) (arr), (sizeof(arr) / sizeof((arr)[0]))

#endif

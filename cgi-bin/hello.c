/*
 * hello - the benchmark baseline: the most trivial FastCGI program
 * (libfcgi, one request struct, a fixed answer). `make bench` reports
 * every endpoint as a ratio to this one, served by the same lighttpd in
 * the same run, so the figures say what our code costs on top of
 * lighttpd + FastCGI on this machine. It teaches nothing and keeps no
 * state.
 */
#include <fcgiapp.h>

int main(void)
{
	static const char answer[] =
		"Status: 200 OK\r\n"
		"Content-Type: text/plain; charset=utf-8\r\n"
		"Content-Length: 6\r\n\r\n"
		"hello\n";
	FCGX_Request rq;

	if (FCGX_Init() != 0 || FCGX_InitRequest(&rq, 0, 0) != 0)
		return 1;
	while (FCGX_Accept_r(&rq) >= 0) {
		FCGX_PutStr(answer, (int)sizeof(answer) - 1, rq.out);
		FCGX_Finish_r(&rq);
	}
	return 0;
}

#!/bin/sh
# lighttpd-tls.sh - called by lighttpd.conf (include_shell). With HTTPS=1 it
# makes sure a self-signed certificate exists in $KEYS/tls/ (created on
# first use, private key mode 0600) and prints the lighttpd settings that
# serve the main port over TLS; otherwise it prints nothing.
#
# The certificate names localhost, 127.0.0.1 and, when set, TLS_HOSTS
# (space-separated host names or IP addresses of the classroom LAN).
set -eu
[ "${HTTPS:-0}" = 1 ] || exit 0
dir="$KEYS/tls"
pem="$dir/site.pem"
if [ ! -s "$pem" ]; then
	mkdir -p "$dir"
	chmod 700 "$dir"
	san="DNS:localhost,IP:127.0.0.1"
	for h in ${HOST:-} ${TLS_HOSTS:-}; do
		case "$h" in
		*[!0-9.]*) san="$san,DNS:$h" ;;
		*) san="$san,IP:$h" ;;
		esac
	done
	umask 077
	openssl req -x509 -newkey rsa:2048 -nodes -days 825 -sha256 \
		-subj "/CN=web-state classroom" -addext "subjectAltName=$san" \
		-keyout "$dir/key.pem" -out "$dir/cert.pem" >/dev/null 2>&1
	cat "$dir/cert.pem" "$dir/key.pem" > "$pem"
	rm -f "$dir/key.pem"
fi
cat <<CONF
server.modules += ( "mod_openssl" )
ssl.engine = "enable"
ssl.pemfile = "$pem"
CONF

#!/bin/sh
# Makes a demo certificate authority, the broker's certificate and one client certificate
# per terminal (CN = terminal id) plus one for the district center (CN = center).
# DEMO ONLY: a real district keeps its CA key offline and issues each terminal's
# certificate when the terminal is installed.
#
# Usage: make-demo-certs.sh OUT_DIR [BROKER_NAMES] [TERMINAL_ID ...]
#   BROKER_NAMES  comma-separated DNS names and IP addresses the terminals use to reach the
#                 broker (they check it); default "localhost,127.0.0.1"
#   TERMINAL_ID   default "demo-01"
#
# Writes OUT_DIR/ca.crt, ca.key, broker.crt, broker.key, center.crt, center.key and
# <terminal>.crt, <terminal>.key for each terminal. Keys are EC P-256, mode 0600.
set -eu

out=${1:?usage: make-demo-certs.sh OUT_DIR [BROKER_NAMES] [TERMINAL_ID ...]}
names=${2:-localhost,127.0.0.1}
[ $# -ge 2 ] && shift 2 || shift $#
[ $# -eq 0 ] && set -- demo-01
days=825

mkdir -p "$out"
umask 077

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# The subjectAltName line for the broker: "DNS:x" for names, "IP:x" for addresses.
san=""
for name in $(echo "$names" | tr ',' ' '); do
    case $name in
        *[!0-9.:a-fA-F]*) entry="DNS:$name" ;;
        *) entry="IP:$name" ;;
    esac
    san="${san:+$san,}$entry"
done

key "$out/ca.key"
openssl req -x509 -new -key "$out/ca.key" -sha256 -days 3650 -subj "/CN=Demo district kiosk CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$out/ca.crt"

# issue NAME CN EXTENSIONS: a key and a certificate signed by the CA.
issue() {
    key "$out/$1.key"
    openssl req -new -key "$out/$1.key" -subj "/CN=$2" -out "$out/$1.csr"
    printf '%s\n' "$3" > "$out/$1.ext"
    openssl x509 -req -in "$out/$1.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" \
        -CAcreateserial -days $days -sha256 -extfile "$out/$1.ext" -out "$out/$1.crt" 2>/dev/null
    rm -f "$out/$1.csr" "$out/$1.ext"
}

issue broker "$(echo "$names" | cut -d, -f1)" \
    "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=$san"
client_ext="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
issue center center "$client_ext"
for terminal in "$@"; do
    case $terminal in
        center) echo "make-demo-certs: 'center' is the district center's name, not a terminal id" >&2
                exit 2 ;;
    esac
    issue "$terminal" "$terminal" "$client_ext"
done
rm -f "$out/ca.srl"
chmod 0644 "$out"/*.crt
echo "certificates written to $out"

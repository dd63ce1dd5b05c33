#!/bin/sh
# Install the Debian packages named on the command line that are missing.
# Used by `make run` and `make check`; needs root only when something is missing.
set -e
missing=
for p in "$@"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "vtlvm: missing Debian packages:$missing" >&2
	echo "vtlvm: run as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "vtlvm: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing

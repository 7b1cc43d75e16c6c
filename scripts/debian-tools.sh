#!/usr/bin/env bash
# Installs the Debian packages a measuring target needs (wrk, varnish, redis-server, chromium) when they are missing,
# so `make bench|loadtest|scaletest|faulttest|audit` work on a fresh machine. Needs root (or sudo) for apt-get.
set -euo pipefail
missing=()
for package in "$@"; do
  case $package in
    varnish) command -v varnishd >/dev/null 2>&1 || missing+=(varnish) ;;
    redis-server) command -v redis-server >/dev/null 2>&1 || missing+=(redis-server) ;;
    *) command -v "$package" >/dev/null 2>&1 || missing+=("$package") ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing ${missing[*]} (Debian packages)"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${missing[@]}" >/dev/null

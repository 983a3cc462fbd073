#!/bin/sh
# Prints a greeting for the name given, in the language given (default: en).
. ./lang/en.sh
[ -n "$2" ] && [ -f "./lang/$2.sh" ] && . "./lang/$2.sh"
printf '%s, %s!\n' "$HELLO" "${1:-world}"

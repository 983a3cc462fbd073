#!/bin/sh
# The project's CI: every language file must exist and greet correctly.
fail=0
check() {
  got=$(sh ./greet.sh "$1" "$2")
  if [ "$got" != "$3" ]; then
    echo "FAIL: greet.sh $1 $2 printed '$got', expected '$3'"
    fail=1
  fi
}
check Ada en "Hello, Ada!"
check Ada fr "Bonjour, Ada!"
check Ada de "Hallo, Ada!"
check Ada es "Hola, Ada!"
if [ -f lang/README.md ]; then
  for code in en fr de es; do
    grep -q "^- $code:" lang/README.md || { echo "FAIL: lang/README.md does not list $code"; fail=1; }
  done
else
  echo "FAIL: lang/README.md is missing (list the languages)"; fail=1
fi
[ $fail -eq 0 ] && echo "all greetings pass"
exit $fail

#!/bin/sh
# Private MariaDB for the mysql-labelled tests: its own datadir, socket and loopback port, no
# systemd. Used as the ctest fixture (mariadb_start / mariadb_stop) and by hand:
#   tests/mariadb.sh start <dir> <port>     install + boot + create user/database, then return
#   tests/mariadb.sh stop  <dir> <port>     stop the server whose pid is in <dir>/mysqld.pid
set -eu
cmd=${1:?usage: mariadb.sh start|stop <dir> <port>}
D=${2:?dir}
PORT=${3:?port}
SOCK="$D/mysqld.sock"
PIDFILE="$D/mysqld.pid"
# Small redo log and no doublewrite: install in ~0.5 s instead of ~3 s (the defaults sized for production dominate start-up).
FAST="--innodb-log-file-size=8M --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0"
USER_OPT=""
[ "$(id -u)" -eq 0 ] && USER_OPT="--user=root"

stop() {
  if [ -f "$PIDFILE" ]; then
    pid=$(cat "$PIDFILE" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      i=0
      while kill -0 "$pid" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt 300 ] && { kill -KILL "$pid" 2>/dev/null || true; break; }
        sleep 0.1
      done
    fi
    rm -f "$PIDFILE"
  fi
}

case "$cmd" in
start)
  stop
  rm -rf "$D"
  mkdir -p "$D"
  mariadb-install-db --no-defaults $USER_OPT --datadir="$D/data" --auth-root-authentication-method=normal \
    --skip-test-db --skip-name-resolve --force $FAST >"$D/install.log" 2>&1 || {
    echo "mariadb-install-db failed:"; cat "$D/install.log"; exit 1; }
  # setsid + closed stdio: the daemon must not hold ctest's output pipe (ctest would wait for it to exit).
  setsid mariadbd --no-defaults $USER_OPT --datadir="$D/data" --socket="$SOCK" --port="$PORT" \
    --bind-address=127.0.0.1 --skip-name-resolve --pid-file="$PIDFILE" --log-error="$D/error.log" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci $FAST \
    --innodb-buffer-pool-dump-at-shutdown=0 --innodb-buffer-pool-load-at-startup=0 --innodb-fast-shutdown=2 \
    --max-connections=500 --skip-log-bin </dev/null >/dev/null 2>&1 &
  i=0
  until mariadb-admin --no-defaults --socket="$SOCK" -uroot ping >/dev/null 2>&1; do
    i=$((i + 1))
    if grep -q "ERROR.*Aborting" "$D/error.log" 2>/dev/null || [ $i -gt 600 ]; then
      echo "mariadbd did not start:"; cat "$D/error.log"; exit 1
    fi
    sleep 0.1
  done
  # The test user may create its own databases (each test case uses a fresh one).
  mariadb --no-defaults --socket="$SOCK" -uroot -e "
    CREATE DATABASE fedflow_test;
    CREATE USER 'fedflow'@'localhost'; CREATE USER 'fedflow'@'127.0.0.1';
    GRANT ALL ON *.* TO 'fedflow'@'localhost'; GRANT ALL ON *.* TO 'fedflow'@'127.0.0.1';"
  echo "mariadb started: pid $(cat "$PIDFILE") port $PORT socket $SOCK"
  ;;
stop)
  stop
  echo "mariadb stopped"
  ;;
*)
  echo "usage: mariadb.sh start|stop <dir> <port>" >&2
  exit 2
  ;;
esac

#!/bin/sh
# The image's entrypoint: the first argument names the program to run
# (cicada, cicada-master, cicada-worker, cicada-target, or any command);
# flags alone run the standalone `cicada`, as `locust` in Locust's image.
# exec, so the program is PID 1 and gets the container's SIGTERM itself.
case "${1:-}" in
  -*) exec cicada "$@" ;;
  "") exec cicada --help ;;
  *) exec "$@" ;;
esac

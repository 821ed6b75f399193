#!/bin/sh
# The editor for `kubectl edit`: raise the log level of web-config.
sed -i 's/log_level: info/log_level: debug/' "$1"

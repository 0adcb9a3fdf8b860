#!/bin/sh
# Temporal's time-skipping test server on loopback (Launcher.java), as @temporalio/testing starts an executable:
# run.sh PORT [--enable-time-skipping]. Built by `mvn package` here (test/integration/timeSkipping.ts does it).
dir=$(dirname "$0")
exec java -cp "$dir/target/classes:$dir/target/lib/*" dev.forge.testserver.Launcher "$@"

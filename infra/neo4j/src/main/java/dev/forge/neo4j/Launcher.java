package dev.forge.neo4j;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Embedded Neo4j with a Bolt connector for Forge's local runs and tests.
 *
 * Usage: java -Xmx512m -cp "target/classes:target/lib/*" dev.forge.neo4j.Launcher
 *          --data DIR [--host 127.0.0.1] [--port 7687] [--pagecache-mb 128]
 *
 * Auth is off: the connector listens on loopback only. Prints "FORGE_NEO4J_READY bolt://host:port"
 * once Bolt accepts connections and shuts the database down cleanly on SIGTERM/SIGINT.
 */
public final class Launcher {
    public static void main(String[] args) throws InterruptedException {
        Path data = null;
        String host = "127.0.0.1";
        int port = 7687;
        long pagecacheMb = 128;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--data" -> { data = Path.of(require(a, v)); i++; }
                case "--host" -> { host = require(a, v); i++; }
                case "--port" -> { port = Integer.parseInt(require(a, v)); i++; }
                case "--pagecache-mb" -> { pagecacheMb = Long.parseLong(require(a, v)); i++; }
                default -> fail("unknown argument " + a);
            }
        }
        if (data == null) fail("--data DIR is required");

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(data.toAbsolutePath())
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pagecacheMb))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "2 files")
                .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(5))
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            stopped.countDown();
        }, "forge-neo4j-shutdown"));
        // touch the default database so that it is online before we announce readiness
        dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally("RETURN 1");
        System.out.println("FORGE_NEO4J_READY bolt://" + host + ":" + port);
        System.out.flush();
        stopped.await();
    }

    private static String require(String flag, String value) {
        if (value == null) fail(flag + " needs a value");
        return value;
    }

    private static void fail(String message) {
        System.err.println("forge-neo4j: " + message);
        System.exit(2);
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
// Runs Neo4j Community in this JVM with a Bolt listener, for machines without Docker.
// It links Neo4j (GPL-3.0), hence the LICENSE beside this folder. Python talks to it over Bolt only.
package dev.mltrace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

public final class LocalNeo4j {
  private LocalNeo4j() {}

  private static String setting(String key, String fallback) {
    String value = System.getenv(key);
    return value == null || value.isBlank() ? fallback : value;
  }

  public static void main(String[] args) throws Exception {
    Path home = Path.of(setting("MLTRACE_NEO4J_HOME", "neo4j-home")).toAbsolutePath();
    String host = setting("MLTRACE_NEO4J_HOST", "127.0.0.1");
    int boltPort = Integer.parseInt(setting("MLTRACE_NEO4J_BOLT_PORT", "7687"));
    long pageCacheMb = Long.parseLong(setting("MLTRACE_NEO4J_PAGECACHE_MB", "256"));
    long txTimeoutS = Long.parseLong(setting("MLTRACE_NEO4J_TX_TIMEOUT_S", "300"));
    String password = System.getenv("MLTRACE_NEO4J_PASSWORD");
    if (password == null || password.length() < 8) {
      System.err.println("NEO4J_FAILED MLTRACE_NEO4J_PASSWORD must be set (8 characters or more)");
      System.exit(2);
    }

    // Settings without a typed constant (log retention, usage report, ...) come from a conf
    // file that the Python side writes; the typed ones below win over it.
    DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home);
    Path conf = home.resolve("neo4j.conf");
    if (Files.exists(conf)) {
      builder.loadPropertiesFromFile(conf);
    }
    DatabaseManagementService dbms =
        builder
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address, new SocketAddress(host, boltPort))
            .setConfig(HttpConnector.enabled, false)
            .setConfig(GraphDatabaseSettings.auth_enabled, true)
            .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
            .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofSeconds(txTimeoutS))
            .build();

    // The first start of a fresh store has the default user neo4j/neo4j with a forced change;
    // embedded transactions run with full rights, so the password is set here once.
    GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
    boolean mustChange =
        system.executeTransactionally(
            "SHOW USERS YIELD user, passwordChangeRequired WHERE user = 'neo4j' "
                + "RETURN passwordChangeRequired",
            Map.of(),
            result -> result.hasNext() && Boolean.TRUE.equals(result.next().get("passwordChangeRequired")));
    if (mustChange) {
      system.executeTransactionally(
          "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
    }

    ConnectorPortRegister ports =
        ((GraphDatabaseAPI) dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME))
            .getDependencyResolver()
            .resolveDependency(ConnectorPortRegister.class);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  dbms.shutdown();
                  System.out.println("NEO4J_STOPPED");
                  System.out.flush();
                  stopped.countDown();
                },
                "neo4j-shutdown"));
    System.out.println("NEO4J_READY bolt://" + ports.getLocalAddress(ConnectorType.BOLT));
    System.out.flush();
    stopped.await();
  }
}

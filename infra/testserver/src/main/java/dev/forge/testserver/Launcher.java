package dev.forge.testserver;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * Temporal's time-skipping test server on 127.0.0.1 only (its own main binds every interface). Arguments as the
 * test server's main takes them, as @temporalio/testing passes them: PORT [--enable-time-skipping].
 */
public final class Launcher {
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: Launcher PORT [--enable-time-skipping]");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    boolean skipping = Arrays.asList(args).contains("--enable-time-skipping");
    // time skipping stays locked until a client unlocks it (as the test server's main does without the flag)
    TestServicesStarter services = new TestServicesStarter(!skipping, 0L);
    ServerBuilder<?> builder =
        NettyServerBuilder.forAddress(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), port), InsecureServerCredentials.create());
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
    Server server = builder.build().start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
    server.awaitTermination();
  }
}

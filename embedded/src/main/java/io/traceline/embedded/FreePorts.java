package io.traceline.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Picks free loopback ports by binding port 0 and closing the socket.
 *
 * <p>There is a small race: between the close here and the broker's own bind another process may
 * take the port. {@link EmbeddedKafka} detects the resulting bind failure and retries with new
 * ports. The sockets of one call are held open together, so the ports of one call are distinct.
 */
final class FreePorts {

  private FreePorts() {}

  static int[] pick(int count) {
    ServerSocket[] sockets = new ServerSocket[count];
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        sockets[i] = new ServerSocket(0, 0, InetAddress.getLoopbackAddress());
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not find a free loopback port", e);
    } finally {
      for (ServerSocket socket : sockets) {
        closeQuietly(socket);
      }
    }
  }

  private static void closeQuietly(ServerSocket socket) {
    if (socket == null) {
      return;
    }
    try {
      socket.close();
    } catch (IOException e) {
      // Nothing to do: the port was only probed.
    }
  }
}

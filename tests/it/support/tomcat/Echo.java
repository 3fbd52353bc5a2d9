// The WebSocket of trustpath's Tomcat lab, standing in for Synchrony: every text message is sent back.
// Compiled at test time against Tomcat's WebSocket API (tests/it/support/tomcat.rs).
import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;

@ServerEndpoint("/synchrony/v1/bayeux-sync1")
public class Echo {
    @OnMessage
    public String echo(String message) {
        return message;
    }
}

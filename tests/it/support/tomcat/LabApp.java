// The tiny app of trustpath's Tomcat lab, standing in for Confluence: compiled at test time against
// Tomcat's servlet API (tests/it/support/tomcat.rs) and deployed as the ROOT webapp.
//
//   GET /                    a new session (JSESSIONID, Secure when the request is secure) and a redirect
//                            to /login.action, absolute when the Context sets useRelativeRedirects="false"
//                            (built from the scheme, name and port Tomcat believes it is reached at)
//   GET /login.action        a login page (a form with a password field)
//   GET /status              {"state":"RUNNING"}, as Confluence and Jira answer
//   GET /synchrony/heartbeat OK, as Synchrony answers
import java.io.IOException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

@WebServlet(urlPatterns = {"", "/status", "/login.action", "/synchrony/heartbeat"})
public class LabApp extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        switch (req.getServletPath()) {
            case "/status" -> {
                resp.setContentType("application/json");
                resp.getWriter().print("{\"state\":\"RUNNING\"}");
            }
            case "/login.action" -> {
                resp.setContentType("text/html");
                resp.getWriter().print("<html><body><form method=\"post\" action=\"/dologin.action\">"
                        + "<input name=\"os_username\"><input type=\"password\" name=\"os_password\">"
                        + "</form></body></html>");
            }
            case "/synchrony/heartbeat" -> {
                resp.setContentType("text/plain");
                resp.getWriter().print("OK");
            }
            default -> {
                req.getSession(true);
                resp.sendRedirect(req.getContextPath() + "/login.action");
            }
        }
    }
}

//! Deployment checks: `trustpath check` on files and labs, the HTTP and WebSocket exchanges, the offline judgement of configurations, discover, and real nginx, Apache httpd and Tomcat.

mod apache_tomcat_lab;
mod check_cli;
mod check_golden;
mod check_lab;
mod discover;
mod http_exchange;
mod nginx_proxy;
mod offline;

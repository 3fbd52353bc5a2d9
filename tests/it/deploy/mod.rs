//! Deployment checks: `trustpath check` on files and labs, the HTTP and WebSocket exchanges, the offline judgement of configurations, discover, and real nginx, Apache httpd and Tomcat.

mod aia;
mod apache_tomcat_lab;
mod check_cli;
mod check_golden;
mod check_golden_rtc;
mod check_lab;
mod discover;
mod http_exchange;
mod ipv6;
mod nginx_proxy;
mod offline;
mod outbound;
mod sso;
mod synchrony;
mod through_proxy;

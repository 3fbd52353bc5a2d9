//! The configuration readers against nginx itself.

mod nginx_judge;

//! Placeholder for the pure diagnosis core (being written).

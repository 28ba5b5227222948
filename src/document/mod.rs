//! Documents (to be written).

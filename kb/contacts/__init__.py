"""The emergency contacts directory: people and vendors to call, kept current."""

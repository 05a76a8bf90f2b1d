"""Full-text search over articles, troubleshooting trees and contacts (Whoosh)."""

"""Who may edit: users with roles, passwords, API tokens, login throttling."""

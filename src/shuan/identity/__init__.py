"""Identity: departments (a tree under the data authority), users, roles, authentication, MFA."""

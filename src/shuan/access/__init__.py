"""Access: grants and deny-by-default policy decisions that explain themselves."""

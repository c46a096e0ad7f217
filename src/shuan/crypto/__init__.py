"""Crypto core: SM2, SM3, SM4 through native implementations, and the key hierarchy."""

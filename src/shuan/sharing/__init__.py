"""Sharing: the 政务信息资源目录 (catalogue), share requests and their review, data services."""

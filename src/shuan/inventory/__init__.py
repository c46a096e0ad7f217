"""Scan results: the scan use case, persistence in the store, and the 分类分级清单 exports."""

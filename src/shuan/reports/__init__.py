"""Reports for inspections: the 分类分级清单 per department and for the whole city (XLSX, CSV, JSON) and a
printable summary (HTML, PDF) of assets by level, category and department."""

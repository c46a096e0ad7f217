from shuan.cli.main import main

raise SystemExit(main())

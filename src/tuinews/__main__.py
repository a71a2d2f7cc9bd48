from tuinews.cli import main

raise SystemExit(main())

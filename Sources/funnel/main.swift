import FunnelCommands

FunnelMain.main()

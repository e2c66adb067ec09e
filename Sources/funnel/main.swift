import FunnelShell
print("funnel")

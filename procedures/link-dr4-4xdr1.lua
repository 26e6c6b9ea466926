-- An installed 400G DR4 -> 4 x 100G DR1 link with its transceivers (issue 19): one 400GBASE-DR4 module on
-- the MPO-12 APC end of the breakout harness, a 100GBASE-DR module on each LC leg. The steps (modules,
-- parts, lane-map, loss-from-dom) are the link procedures' shared ones: procedures/lib/link.lua; after them
-- BER per lane in both directions through the modules' own PRBS generators and checkers (link.ber_step: a
-- DR1 without CMIS diagnostics pages leaves its lanes not measured, inconclusive).
local link = require("link")

return {
  name = "link-dr4-4xdr1",
  version = "2",
  summary = "400G DR4 to 4 x 100G DR1 link with its transceivers: modules, parts, lane map by Tx disable, loss from DOM, BER through the modules",
  steps = (function()
    local steps = link.steps { near = "xcvr-400g-dr4", far = "xcvr-100g-dr" }
    steps[#steps + 1] = link.ber_step()
    return steps
  end)(),
}

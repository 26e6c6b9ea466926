-- An installed 800G DR8 -> 8 x 100G DR1 link with its transceivers: one 800GBASE-DR8 module on the MPO-16
-- APC end of the breakout harness (dr8-mpo16apc-8xlc), a 100GBASE-DR module on each of its eight LC legs.
-- The DR8's CMIS memory advertises 800GBASE-DR8 (SMF code 0x56) with an 8 x 100GBASE-DR breakout
-- application (docs/module.md cites the codes). The steps are the link procedures' shared ones:
-- procedures/lib/link.lua, then BER per lane both ways through the modules' own PRBS (link.ber_step).
local link = require("link")

return {
  name = "link-dr8-8xdr1",
  version = "2",
  summary = "800G DR8 to 8 x 100G DR1 link with its transceivers: modules, parts, lane map by Tx disable, loss from DOM, BER through the modules",
  steps = (function()
    local steps = link.steps { near = "xcvr-800g-dr8", far = "xcvr-100g-dr" }
    steps[#steps + 1] = link.ber_step()
    return steps
  end)(),
}

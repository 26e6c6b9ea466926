-- An installed 800G 2 x DR4 -> 2 x 400G DR4 link with its transceivers: an 800G module of DR8 width on the
-- MPO-16 APC end of the 2 x MPO-12 APC harness (dr8-mpo16apc-2xmpo12apc), its lanes 1-4 to leg B1 and 5-8 to
-- B2, and a 400GBASE-DR4 module on each leg. The 800G module's CMIS memory advertises 800GBASE-DR8 (SMF 0x56)
-- with a 2 x 400GBASE-DR4 breakout application (SMF 0x1C on 400GAUI-4-S); no public source gives a code of
-- its own for a "2 x DR4" module (docs/module.md, "800G codes"). Each leg's module carries four lanes: the
-- lane map and the loss from DOM pair end A's lane k with lane k-4n of leg n's module, as the harness's design
-- routes them (fixtures/link_lanes.h). The steps are the link procedures' shared ones: procedures/lib/link.lua,
-- then BER per lane both ways through the modules' own PRBS (link.ber_step, four lanes a leg).
local link = require("link")

return {
  name = "link-800g-2xdr4",
  version = "2",
  summary = "800G 2 x DR4 to 2 x 400G DR4 link with its transceivers: modules, parts, lane map by Tx disable, loss from DOM, BER through the modules",
  steps = (function()
    local steps = link.steps { near = "xcvr-800g-dr8", far = "xcvr-400g-dr4" }
    steps[#steps + 1] = link.ber_step({ lanes_per_leg = 4 })
    return steps
  end)(),
}

-- 400G DR4 breakout: MPO-12 APC (400GBASE-DR4 module side) to 4 x LC duplex (100G-DR1 modules), single mode.
-- Leg map and polarity first (the most common reason a breakout is dead on turn-up), then insertion loss
-- per fiber at 1310 nm (1550 nm with --option wavelengths=1310,1550) in both directions against the
-- channel's length-based budget, then return loss of every wired connector against its polish's minimum.
local optical = require("optical")

return {
  name = "breakout-dr4-4x100g",
  version = "1",
  summary = "400G DR4 MPO-12 APC to 4 x LC duplex breakout: leg map and polarity, IL per fiber, RL",
  steps = {
    {
      name = "fiber-map",
      main = function(ctx) ctx:fiber_map { wavelength = 1310 } end,
    },
    {
      name = "insertion-loss",
      main = function(ctx) optical.insertion_loss(ctx, { 1310 }, true) end,
    },
    {
      name = "return-loss",
      main = function(ctx) ctx:return_loss { wavelength = 1310 } end,
    },
  },
}

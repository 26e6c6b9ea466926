-- 400G SR16 breakout: MPO-32 (two rows of 16) to 16 x LC duplex 25G legs, multimode. Leg map and polarity
-- at 850 nm (the wavelength of 400GBASE-SR16), then insertion loss per fiber at 850 nm and 1300 nm (the
-- multimode test wavelengths) against the length-based budget.
local optical = require("optical")

return {
  name = "breakout-sr16-16x25g",
  version = "1",
  summary = "400G SR16 MPO-32 to 16 x LC duplex breakout: leg map and polarity, IL per fiber at 850/1300 nm",
  steps = {
    {
      name = "fiber-map",
      main = function(ctx) ctx:fiber_map { wavelength = 850 } end,
    },
    {
      name = "insertion-loss",
      main = function(ctx) optical.insertion_loss(ctx, { 850, 1300 }, false) end,
    },
  },
}

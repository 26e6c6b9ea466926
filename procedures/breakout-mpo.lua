-- A passive MPO breakout harness of any shape (MPO to LC duplex legs, MPO to MPO legs, one or two rows):
-- which leg each MPO position reaches (map and polarity) at the design's first test wavelength, then the
-- insertion loss of every fiber at each of the design's test wavelengths against its length-based budget.
-- The station's slot names the harness; everything this procedure expects comes from its channel model.
local optical = require("optical")

return {
  name = "breakout-mpo",
  version = "1",
  summary = "Passive MPO breakout harness (LC or MPO legs): leg map and polarity, IL per fiber at the design's wavelengths",
  steps = {
    {
      name = "fiber-map",
      main = function(ctx) ctx:fiber_map { wavelength = optical.wavelengths(ctx)[1] } end,
    },
    {
      name = "insertion-loss",
      main = function(ctx) optical.insertion_loss(ctx, nil, false) end,
    },
  },
}

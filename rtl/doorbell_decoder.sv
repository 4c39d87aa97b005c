// doorbell_decoder: decodes per-queue doorbell writes of the virtio-mmio notification proposal.
//
// The driver writes the queue index to  base + multiplier * q  inside the device's MMIO window
// (multiplier 0: one shared doorbell at base, the written index selects the queue). A write that
// matches a queue produces a one-cycle kick pulse with the queue index and the notification data
// (upper 16 bits of the written value, VIRTIO_F_NOTIFICATION_DATA); any other write produces a
// one-cycle error pulse with a code. Outputs are registered: a write accepted at clock edge N shows
// on the outputs after edge N (latency LATENCY = 1 cycle). One write per cycle, no back-pressure: the
// decoder never stalls, so it needs no queue (docs/rtl.md explains the choice).
//
// Error codes and field widths come from vmsim_regmap_pkg, generated from the C++ regmap
// (models/regmap/include/vmsim/regmap/doorbell.h, also behind vmsim::doorbell_error):
//   1 outside the window, 2 misaligned (not at a doorbell), 3 not a full 32-bit write,
//   4 queue index beyond cfg_num_queues (shared doorbell), 5 written index differs from the doorbell's queue.
// Configuration (cfg_*) is sampled every cycle; change it only while no write is in flight.
// Writes during reset are ignored (no kick, no error).
module doorbell_decoder
  import vmsim_regmap_pkg::*;
#(
    parameter int ADDR_W     = DOORBELL_OFFSET_W,  // width of the offset inside the device window
    parameter int MAX_QUEUES = 64,  // comparator bank size: the largest cfg_num_queues supported
    localparam int QW        = (MAX_QUEUES > 1) ? $clog2(MAX_QUEUES) : 1,
    localparam int NQW       = $clog2(MAX_QUEUES + 1),
    localparam int MW        = DOORBELL_OFFSET_W,         // multiplier
    localparam int IW        = DOORBELL_INDEX_W,          // written queue index
    localparam int DW        = DOORBELL_DATA_W,           // notification data
    localparam int WB        = DOORBELL_WRITE_BYTES       // bus write width in bytes
) (
    input  logic              clk,
    input  logic              rst_n,           // synchronous, active low
    // configuration
    input  logic [ADDR_W-1:0] cfg_base,
    input  logic [MW-1:0]     cfg_multiplier,
    input  logic [NQW-1:0]    cfg_num_queues,  // 1..MAX_QUEUES
    // write strobe from the bus
    input  logic              wr_valid,
    input  logic [ADDR_W-1:0] wr_addr,
    input  logic [8*WB-1:0]   wr_data,
    input  logic [WB-1:0]     wr_strb,
    // outputs (registered)
    output logic              kick_valid,
    output logic [QW-1:0]     kick_queue,
    output logic [DW-1:0]     kick_data,
    output logic              err_valid,
    output logic [DOORBELL_ERR_W-1:0] err_code,
    output logic [31:0]       kick_count,
    output logic [31:0]       err_count
);
  localparam logic [DOORBELL_ERR_W-1:0] E_NONE = DOORBELL_ERR_NONE, E_OUTSIDE = DOORBELL_ERR_OUTSIDE_WINDOW,
      E_MISALIGNED = DOORBELL_ERR_MISALIGNED, E_WIDTH = DOORBELL_ERR_BAD_WIDTH, E_NO_QUEUE = DOORBELL_ERR_NO_SUCH_QUEUE,
      E_MISMATCH = DOORBELL_ERR_DATA_MISMATCH;

  // ---- decode and registered outputs --------------------------------------------------------------
  // The comparator bank and the error rules are combinational logic in front of the output registers.
  // They are written inside the clocked process (block-local variables) so that a simulator evaluates
  // them once per clock edge rather than on every input change: the same hardware, a quarter of the
  // RTL-in-the-loop cost per kick in Verilator.
  always_ff @(posedge clk) begin
    // The temporaries are not traced: they are no state, and Verilator 5.006's VCD writer stores their
    // 64-bit values misaligned (undefined behaviour UBSan reports; fixed upstream in 5.012, issue #4201).
    /* verilator tracing_off */
    logic [ADDR_W:0]        rel;     // wr_addr - cfg_base, MSB set when wr_addr < cfg_base
    logic [ADDR_W+NQW+MW-1:0] window;  // window size in bytes
    logic [ADDR_W+QW+MW-1:0] at;       // doorbell q sits at q * multiplier: a running sum over the bank
    logic [IW-1:0]          index;   // the queue index the driver wrote
    logic                   hit;     // rel equals q * multiplier for some q < cfg_num_queues
    logic [QW-1:0]          qidx;    // the doorbell's queue
    logic [DOORBELL_ERR_W-1:0] code;
    /* verilator tracing_on */
    rel    = {1'b0, wr_addr} - {1'b0, cfg_base};
    index  = wr_data[IW-1:0];
    window = (cfg_multiplier == '0) ? (ADDR_W+NQW+MW)'(DOORBELL_SHARED_WINDOW_BYTES) : cfg_multiplier * cfg_num_queues;
    hit    = 1'b0;
    qidx   = '0;
    at     = '0;
    for (int q = 0; q < MAX_QUEUES; q++) begin
      if (q < int'(cfg_num_queues) && !hit && {{(QW+MW-1){1'b0}}, rel} == at) begin
        hit  = 1'b1;
        qidx = QW'(q);
      end
      at = at + {{(ADDR_W+QW){1'b0}}, cfg_multiplier};
    end
    if (cfg_multiplier == '0) qidx = index[QW-1:0];  // the shared doorbell: the index selects
    if (rel[ADDR_W] || {{(NQW+MW-1){1'b0}}, rel} >= window) code = E_OUTSIDE;
    else if (wr_strb != '1)                                 code = E_WIDTH;
    else if (cfg_multiplier == '0) begin
      if (rel[1:0] != 2'b00)                                code = E_MISALIGNED;
      else if ({{NQW{1'b0}}, index} >= {{IW{1'b0}}, cfg_num_queues}) code = E_NO_QUEUE;
      else                                                  code = E_NONE;
    end else if (!hit || rel[1:0] != 2'b00)                 code = E_MISALIGNED;
    else if (index != {{(IW-QW){1'b0}}, qidx})              code = E_MISMATCH;
    else                                                    code = E_NONE;

    if (!rst_n) begin
      kick_valid <= 1'b0;
      kick_queue <= '0;
      kick_data  <= '0;
      err_valid  <= 1'b0;
      err_code   <= E_NONE;
      kick_count <= '0;
      err_count  <= '0;
    end else begin
      kick_valid <= wr_valid && code == E_NONE;
      err_valid  <= wr_valid && code != E_NONE;
      err_code   <= wr_valid ? code : E_NONE;
      if (wr_valid && code == E_NONE) begin
        kick_queue <= qidx;
        kick_data  <= wr_data[IW+:DW];
        kick_count <= kick_count + 32'd1;
      end
      if (wr_valid && code != E_NONE) err_count <= err_count + 32'd1;
    end
  end
endmodule

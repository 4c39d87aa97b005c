// Drives the generated vmsim_regmap_pkg's constants onto outputs, so the regression can compare what the RTL
// compiles with against the C++ regmap they were generated from (rtl_package_constants_equal_the_cpp_regmap).
module regmap_pkg_probe
  import vmsim_regmap_pkg::*;
(
    output logic [31:0]               offset_w,
    output logic [31:0]               index_w,
    output logic [31:0]               data_w,
    output logic [31:0]               write_bytes,
    output logic [31:0]               shared_window_bytes,
    output logic [31:0]               err_w,
    output logic [DOORBELL_ERR_W-1:0] err_none,
    output logic [DOORBELL_ERR_W-1:0] err_outside_window,
    output logic [DOORBELL_ERR_W-1:0] err_misaligned,
    output logic [DOORBELL_ERR_W-1:0] err_bad_width,
    output logic [DOORBELL_ERR_W-1:0] err_no_such_queue,
    output logic [DOORBELL_ERR_W-1:0] err_data_mismatch,
    // a sample of the interrupt constants (vmsim/regmap/interrupts.h)
    output logic [15:0]               msi_v1_status_enabled,
    output logic [31:0]               msi_v2_cmd_map_queue,
    output logic [31:0]               msi_v2_no_vector,
    output logic [31:0]               msi_v2_state_enabled_linux,
    output logic [31:0]               msix_table_base_default,
    output logic [63:0]               irqc_route_base,
    output logic [63:0]               msi_x86_frame_default
);
  assign offset_w            = DOORBELL_OFFSET_W;
  assign index_w             = DOORBELL_INDEX_W;
  assign data_w              = DOORBELL_DATA_W;
  assign write_bytes         = DOORBELL_WRITE_BYTES;
  assign shared_window_bytes = DOORBELL_SHARED_WINDOW_BYTES;
  assign err_w               = DOORBELL_ERR_W;
  assign err_none            = DOORBELL_ERR_NONE;
  assign err_outside_window  = DOORBELL_ERR_OUTSIDE_WINDOW;
  assign err_misaligned      = DOORBELL_ERR_MISALIGNED;
  assign err_bad_width       = DOORBELL_ERR_BAD_WIDTH;
  assign err_no_such_queue   = DOORBELL_ERR_NO_SUCH_QUEUE;
  assign err_data_mismatch   = DOORBELL_ERR_DATA_MISMATCH;
  assign msi_v1_status_enabled      = MSI_V1_STATUS_ENABLED;
  assign msi_v2_cmd_map_queue       = MSI_V2_CMD_MAP_QUEUE;
  assign msi_v2_no_vector           = MSI_V2_NO_VECTOR;
  assign msi_v2_state_enabled_linux = MSI_V2_STATE_ENABLED_LINUX;
  assign msix_table_base_default    = MSIX_TABLE_BASE_DEFAULT;
  assign irqc_route_base            = IRQC_ROUTE_BASE;
  assign msi_x86_frame_default      = MSI_X86_FRAME_DEFAULT;
endmodule
